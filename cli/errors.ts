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
