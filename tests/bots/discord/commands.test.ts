import { describe, expect, it } from 'vitest';
import {
  commandDefinitions,
  commandNames,
  discordLocalesOf,
} from '../../../src/bots/discord/commands.js';
import { resources, supportedLanguages } from '../../../src/locales/index.js';
import { discordLocalizer } from './harness.js';

describe('Discord commands', () => {
  it('keeps the English names of the locale files equal to the names Discord sends back', () => {
    const names = resources.en.ui.discord.commands as Record<string, { name: string }>;
    for (const [id, name] of Object.entries(commandNames)) expect(names[id]?.name, id).toBe(name);
  });

  it.each([
    ['fr', ['fr']],
    ['en', ['en-US', 'en-GB']],
    ['es', ['es-ES', 'es-419']],
    ['pt', ['pt-BR']],
    ['xx', []],
  ])('shows %s in the Discord locales %j', (language, locales) => {
    expect(discordLocalesOf(language).sort()).toEqual([...locales].sort());
  });

  it('leaves out where commands may be used when they are registered in one server', () => {
    const [server] = commandDefinitions(discordLocalizer, supportedLanguages, { global: false });
    const [global] = commandDefinitions(discordLocalizer, supportedLanguages, { global: true });
    expect(server).not.toHaveProperty('contexts');
    expect(server).not.toHaveProperty('integration_types');
    expect(global).toMatchObject({ contexts: [0, 1, 2], integration_types: [0, 1] });
  });
});
