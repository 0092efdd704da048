// ExecuteCommand: the old way clients sent admin commands. Same commands, same replies as private
// messages to `server` (src/server/admin.ts).

import { runExecuteCommand } from '../admin.ts';
import type { Handler } from './context.ts';

export const executeCommand: Handler<'ExecuteCommand'> = ({ core, user }, m) => runExecuteCommand(core, user, m.commandType, m.argument);
