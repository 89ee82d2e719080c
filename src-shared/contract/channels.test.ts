import { describe, expect, it } from 'vitest';
import { channels } from './channels';
import { commandNames, eventNames } from './names';

describe('channels', () => {
  it('derive names from the contract', () => {
    expect(channels.command('addTorrent')).toBe('shoal:cmd:addTorrent');
    expect(channels.event('torrents')).toBe('shoal:evt:torrents');
    expect(channels.allCommands().map((c) => c.name)).toEqual(commandNames);
    expect(channels.allEvents().map((c) => c.channel)).toEqual(eventNames.map((e) => `shoal:evt:${e}`));
  });
});
