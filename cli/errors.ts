import { LookupError } from '../pipelines/normalize/lookup.ts';

// Errors the CLI turns into exit codes: 1 for rejected input (nothing loaded), 2 for usage.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);
export const inputError = (message: string) => new CliError(message, 1);

/** A unit or period read from the arguments; one that names nothing is a usage error. */
export function lookup<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof LookupError) throw usageError(error.message);
    throw error;
  }
}
