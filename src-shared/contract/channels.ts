import { commandNames, eventNames, type CommandName, type EventName } from './names';

/** Electron IPC channel names, derived from the contract so no channel string is typed twice. */
export const channels = {
  command: <C extends CommandName>(name: C): `shoal:cmd:${C}` => `shoal:cmd:${name}`,
  event: <E extends EventName>(name: E): `shoal:evt:${E}` => `shoal:evt:${name}`,
  /** Every command channel, for registering handlers in one loop. */
  allCommands: (): { name: CommandName; channel: string }[] =>
    commandNames.map((name) => ({ name, channel: `shoal:cmd:${name}` })),
  allEvents: (): { name: EventName; channel: string }[] =>
    eventNames.map((name) => ({ name, channel: `shoal:evt:${name}` })),
};
