import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordBot } from '../../../src/bots/discord/discord-bot.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { createTestApp } from '../../helpers/app.js';
import { useTempDir } from '../../helpers/temp.js';
import {
  buttonsOf,
  discordUser,
  guilds,
  misbehaviour,
  startTestDiscord,
  textOf,
} from './harness.js';

const grok = 'X: impeça o Grok de aprender com seus posts';

describe('the Discord bot in the languages of its users', () => {
  const tmp = useTempDir();
  let fake: FakeDiscord;
  let app: ReturnType<typeof createTestApp>;
  let bot: DiscordBot | undefined;

  beforeEach(async () => {
    fake = await startFakeDiscord({ guilds, token: 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.discord-token' });
    app = createTestApp(tmp(), { file: 'dc.sqlite' });
    bot = await startTestDiscord(fake, app);
  });

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await fake.close();
    app.close();
  });

  it('registers the command names and descriptions in every language', () => {
    const optout = fake
      .registeredCommands()
      .find((c) => (c as { name: string }).name === 'optout') as {
      description_localizations: Record<string, string>;
      options: { name: string; name_localizations: Record<string, string> }[];
    };
    for (const locale of ['fr', 'es-ES', 'es-419', 'de', 'pt-BR', 'it', 'ja']) {
      expect(optout.description_localizations[locale], locale).toBeTruthy();
    }
    const status = optout.options.find((o) => o.name === 'status');
    expect(status?.name_localizations).toMatchObject({ 'pt-BR': 'progresso', ja: '進み具合' });
  });

  it('walks a new Brazilian member through X/Grok in Portuguese, labels included', async () => {
    const ana = discordUser(
      fake,
      fake.user({ id: '500000000000000901', username: 'ana', locale: 'pt-BR' }),
    );
    const { response: pointer } = await ana.slash('grok-optout');
    expect(textOf(pointer)).toContain('Enviei uma DM para você');
    let message = ana.dm()[0];
    expect(message?.embeds[0]?.['title']).toBe(grok);
    expect(textOf(message)).toContain('Passo 1 de 4  ⬜ ⬜ ⬜ ⬜');
    // No source quotes X's Portuguese labels: the English one, with a translation.
    expect(textOf(message)).toContain('(Configurações e privacidade › ');
    expect(buttonsOf(message).map((b) => b.label)).toEqual([
      'Abrir a configuração',
      '✅ Pronto',
      'Pular',
      'Não encontrei',
    ]);
    message = (await ana.click(message, '✅ Pronto')).message;
    expect(textOf(message)).toContain('Passo 2 de 4  ✅ ⬜ ⬜ ⬜');
    expect(textOf(message)).toContain(
      'Grok & Third-party Collaborators (Grok e colaboradores terceirizados)',
    );
    message = (await ana.click(message, 'Não encontrei')).message;
    expect(textOf(message)).toContain('Sem problema, aqui vai uma ajuda:');
    message = (await ana.click(message, '✅ Pronto')).message;
    expect(textOf(message)).toContain('Passo 3 de 4  ✅ ✅ ⬜ ⬜');
    expect(textOf(message)).toContain('Este passo é opcional.');
    message = (await ana.click(message, 'Pular')).message;
    expect(textOf(message)).toContain('Passo 4 de 4  ✅ ✅ ⏭️ ⬜');
    message = (await ana.click(message, '✅ Pronto')).message;
    expect(textOf(message)).toContain('Tudo pronto ✅  ✅ ✅ ⏭️ ✅');
    expect(textOf(message)).toMatch(/Vou lembrar você de conferir <t:\d+:R>\./);
    expect(textOf(message)).not.toMatch(/\{\{|ui:|guides:|labels:/);
    expect(buttonsOf(message).map((b) => b.label)).toEqual([
      '🔔 A cada 30 dias',
      'A cada 90 dias',
      'Sem lembretes',
      'Começar de novo',
    ]);
    const { response: status } = await ana.slash('optout', [{ name: 'status' }]);
    expect(textOf(status)).toContain(`✅ ${grok}: feito`);
    const { response: languages } = await ana.slash('optout', [{ name: 'language' }]);
    expect(buttonsOf(languages).map((b) => b.label)).toEqual([
      'English',
      'Français',
      'Español',
      'Deutsch',
      'Português (Brasil)',
      'Italiano',
      '日本語',
    ]);
    expect(misbehaviour(fake)).toEqual({ violations: [], acks: [] });
  });
});
