import type { z } from 'zod';
import { SwitchyardError } from '@switchyard/protocol';

/** How a local service's settings are named and where to read about them. */
export interface LocalServiceSettings<S extends z.ZodType> {
  readonly schema: S;
  /** Environment variable of each option key. */
  readonly envNames: Readonly<Record<string, string>>;
  /** Service name for the message, e.g. `kafka-local`. */
  readonly service: string;
  /** The command whose --help lists the settings, e.g. `npm run kafka:up -- --help`. */
  readonly helpCommand: string;
}

/**
 * Reads a local service's options from env, with explicit overrides (CLI flags) taking
 * precedence. A bad value fails fast naming the variable, the flag and the expected form.
 */
export function resolveLocalServiceOptions<S extends z.ZodType>(
  settings: LocalServiceSettings<S>,
  overrides: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Readonly<z.output<S>> {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(settings.envNames)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const parsed = settings.schema.safeParse({ ...fromEnv, ...defined });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      return `${settings.envNames[key] ?? key} / ${flag}: ${issue.message}`;
    });
    throw new SwitchyardError('SY_INVALID_ENV', `Invalid ${settings.service} settings:\n  ${lines.join('\n  ')}`, {
      hint: `Fix or unset the variables named above; \`${settings.helpCommand}\` lists them.`,
    });
  }
  return Object.freeze(parsed.data) as Readonly<z.output<S>>;
}
