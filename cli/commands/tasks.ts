// `chitieu tasks update FILE…|list`: plan tasks' progress from a planner's file, and the list.
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';
import { runWork } from './work.ts';

export const help = COMMAND_HELP.tasks;

export const run = (args: string[], io: Io): Promise<number> => runWork('task', args, io, help);
