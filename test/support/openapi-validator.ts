import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

/** One operation's documented answers, found from a request's method and URL. */
interface Operation {
  readonly pointer: string;
  readonly responses: Record<string, Json>;
}

/** Validators already compiled in this test file, by the text of their description. */
const compiled = new Map<string, OpenApiValidator>();

/**
 * Checks answers of a running Portage against its own `/openapi.json`: the
 * status must be documented for the operation, the body must match the
 * schema of that status and content type, and a problem's `code` must be one
 * the description lists for that status. Throws with what differs.
 */
export class OpenApiValidator {
  readonly #ajv: Ajv2020;
  readonly #paths: { regex: RegExp; template: string }[];
  readonly #description: Json;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(description: Json) {
    this.#description = description;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(this.#ajv);
    this.#ajv.addSchema(description, 'openapi.json');
    this.#paths = Object.keys(description.paths as Json).map((template) => ({
      template,
      regex: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
      ),
    }));
  }

  /**
   * Fetches the description a server serves and compiles it, once per text:
   * the servers of a test file mostly serve the same description, and each
   * would otherwise compile its schemas anew when it closes.
   */
  static async of(baseUrl: string): Promise<OpenApiValidator> {
    const response = await fetch(new URL('/openapi.json', baseUrl));
    const text = await response.text();
    let validator = compiled.get(text);
    if (validator === undefined) {
      validator = new OpenApiValidator(JSON.parse(text) as Json);
      compiled.set(text, validator);
    }
    return validator;
  }

  /**
   * Validates one answer; `body` is the parsed JSON, or undefined when the
   * answer is not JSON. Requests to undocumented paths are not checked here.
   */
  check(method: string, url: string, status: number, contentType: string | null, body: unknown) {
    const operation = this.#operation(method, new URL(url, 'http://x').pathname);
    if (operation === null) return;
    const where = `${method.toUpperCase()} ${url} answered ${status}`;
    const response = operation.responses[String(status)];
    if (response === undefined) {
      throw new Error(
        `${where}, a status its description does not list (${Object.keys(operation.responses).join(', ')})`,
      );
    }
    const type = (contentType ?? '').split(';')[0]!.trim();
    const content = response.content as Record<string, Json> | undefined;
    if (content === undefined || body === undefined) return;
    const media = content[type];
    if (media === undefined) {
      throw new Error(
        `${where} as ${type || 'no content type'}, not ${Object.keys(content).join(' or ')}`,
      );
    }
    const pointer = `${operation.pointer}/responses/${status}/content/${escape(type)}/schema`;
    const validate = this.#validator(pointer);
    if (!validate(body)) {
      throw new Error(
        `${where}; the body breaks its schema: ${this.#ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
      );
    }
    const examples = media.examples as Json | undefined;
    if (type === 'application/problem+json' && examples !== undefined) {
      const code = (body as { code?: string }).code ?? '';
      if (!(code in examples))
        throw new Error(
          `${where} with code ${code}, which its description does not list for ${status} (${Object.keys(examples).join(', ')})`,
        );
    }
  }

  #operation(method: string, path: string): Operation | null {
    const paths = this.#description.paths as Record<string, Record<string, Json>>;
    const match =
      this.#paths.find((p) => p.template === path) ?? this.#paths.find((p) => p.regex.test(path));
    const operation =
      match === undefined ? undefined : paths[match.template]?.[method.toLowerCase()];
    if (match === undefined || operation === undefined) return null;
    return {
      pointer: `openapi.json#/paths/${escape(match.template)}/${method.toLowerCase()}`,
      responses: operation.responses as Record<string, Json>,
    };
  }

  #validator(pointer: string): ValidateFunction {
    let validate = this.#validators.get(pointer);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: pointer });
      this.#validators.set(pointer, validate);
    }
    return validate;
  }
}

/** A JSON pointer segment (RFC 6901), percent-encoded as a URI fragment. */
function escape(segment: string): string {
  return encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'));
}
