import { ACME_TASKS } from './acme-tasks/index.js';
import type { DemoPlatform } from './demo-platform.js';
import { NORTHWIND_CRM } from './northwind-crm/index.js';

/** Every bundled demo platform; the first is the default. */
export const DEMO_PLATFORMS: readonly DemoPlatform[] = [ACME_TASKS, NORTHWIND_CRM];

/** The platform `npm start` and `portage demo` use unless told otherwise: Acme Tasks. */
export const DEFAULT_DEMO_PLATFORM: DemoPlatform = ACME_TASKS;

/**
 * The bundled demo platform called `name`.
 * @throws {RangeError} naming the platforms there are, when none is called so.
 */
export function demoPlatform(name: string): DemoPlatform {
  const found = DEMO_PLATFORMS.find((p) => p.name === name);
  if (found === undefined) {
    const names = DEMO_PLATFORMS.map((p) => p.name).join(', ');
    throw new RangeError(`unknown demo platform "${name}" (there are: ${names})`);
  }
  return found;
}
