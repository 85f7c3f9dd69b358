// `chitieu procedures update FILE…|list`: essential procedures' progress, as `chitieu tasks`.
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';
import { runWork } from './work.ts';

export const help = COMMAND_HELP.procedures;

export const run = (args: string[], io: Io): Promise<number> =>
  runWork('procedure', args, io, help);
