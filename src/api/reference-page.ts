import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';

const MARK = `<svg xmlns="http://www.w3.org/2000/svg" width="220" height="40" viewBox="0 0 220 40">
<rect x="2" y="6" width="28" height="28" rx="6" fill="#0f766e"/>
<path d="M9 27V13h7a5 5 0 0 1 0 10h-3v4z" fill="#fff"/>
<text x="40" y="27" font-family="system-ui, sans-serif" font-size="20" font-weight="600" fill="#0f172a">Portage API</text>
</svg>`;

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0f766e"/><path d="M10 25V8h8a6 6 0 0 1 0 12h-4v5z" fill="#fff"/></svg>`;

/** Portage's colors over Swagger UI's, and no URL bar: this page shows one description. */
const CSS = `
body { background: #f8fafc; }
.swagger-ui .topbar { background: #fff; border-bottom: 1px solid #e2e8f0; padding: 6px 0; }
.swagger-ui .topbar .download-url-wrapper { display: none; }
.swagger-ui .topbar-wrapper img { height: 40px; }
.swagger-ui .info .title small.version-stamp { background: #0f766e; }
.swagger-ui .info { margin: 32px 0 16px; }
.swagger-ui .info .renderedMarkdown table { border-collapse: collapse; width: 100%; font-size: 13px; }
.swagger-ui .info .renderedMarkdown th, .swagger-ui .info .renderedMarkdown td { border: 1px solid #e2e8f0; padding: 4px 8px; text-align: left; vertical-align: top; }
.swagger-ui .info .renderedMarkdown td:nth-child(2) { white-space: nowrap; }
.swagger-ui .info .renderedMarkdown td:first-child code { white-space: nowrap; }
.swagger-ui .info .renderedMarkdown pre { background: #0f172a; color: #e2e8f0; padding: 10px; border-radius: 4px; }
.swagger-ui .info .renderedMarkdown pre code { color: inherit; }
`;

/**
 * `/docs`: the reference page. Swagger UI, under Portage's name, mark and
 * colors, showing the description's introduction (authentication, limits,
 * the error table) above the endpoints.
 */
export const REFERENCE_PAGE: FastifySwaggerUiOptions = {
  routePrefix: '/docs',
  logo: { type: 'image/svg+xml', content: Buffer.from(MARK), href: '/docs', target: '_self' },
  theme: {
    title: 'Portage API reference',
    css: [{ filename: 'portage.css', content: CSS }],
    favicon: [
      {
        filename: 'favicon.svg',
        rel: 'icon',
        sizes: 'any',
        type: 'image/svg+xml',
        content: Buffer.from(ICON),
      },
    ],
  },
  uiConfig: {
    docExpansion: 'list',
    deepLinking: true,
    displayOperationId: true,
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
  },
};
