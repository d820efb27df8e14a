import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelegramBot } from '../../../src/bots/telegram/start.js';
import { startFakeTelegram, type FakeTelegram } from '../../fakes/telegram/server.js';
import { createTestApp } from '../../helpers/app.js';
import { useTempDir } from '../../helpers/temp.js';
import { startTestTelegram, talk } from './harness.js';

describe('the Telegram bot in the languages of its users', () => {
  const tmp = useTempDir();
  let fake: FakeTelegram;
  let app: ReturnType<typeof createTestApp>;
  let bot: TelegramBot | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    app = createTestApp(tmp(), { file: 'tg.sqlite' });
    bot = await startTestTelegram(fake, app);
  });

  afterEach(async () => {
    await bot?.stop();
    await fake.close();
    app.close();
  });

  function assertWellBehaved(): void {
    expect(fake.violations.map((v) => `${v.method}: ${JSON.stringify(v.response)}`)).toEqual([]);
    expect([...fake.callbackAnswers()].filter(([, answered]) => !answered)).toEqual([]);
  }

  it('walks a new Japanese user through X/Grok in Japanese, labels included', async () => {
    const yui = fake.user({ id: 801, firstName: 'Yui', languageCode: 'ja' });
    const user = talk(fake, yui);
    const welcome = await user.say('/start');
    expect(welcome.text).toContain('こんにちは 👋');
    let message = await user.say('/grok_optout');
    expect(message.text).toContain('X: ポストをGrokの学習に使わせない');
    expect(message.text).toContain('ステップ 1/4  ⬜ ⬜ ⬜ ⬜');
    // No source quotes X's Japanese labels: the English one, with a translation.
    expect(message.text).toContain('Grok & Third-party Collaborators（設定とプライバシー › ');
    expect(message.buttons[0]).toEqual({
      text: '設定を開く',
      url: 'https://x.com/settings/grok_settings',
    });
    message = await user.press(message, '✅ 完了');
    expect(message.text).toContain('ステップ 2/4  ✅ ⬜ ⬜ ⬜');
    expect(message.text).toContain('チェックを外してください');
    expect(message.text).toContain(
      '「Grok & Third-party Collaborators（Grokと第三者のコラボレーター）」',
    );
    message = await user.press(message, '見つかりません');
    expect(message.text).toContain('大丈夫です。ヒントをどうぞ:');
    expect(message.text).toContain('チェックボックスの文言は何度か変わっています');
    message = await user.press(message, '✅ 完了');
    expect(message.text).toContain('ステップ 3/4  ✅ ✅ ⬜ ⬜');
    expect(message.text).toContain('このステップは任意です。');
    expect(message.text).toContain('Delete conversation history（会話履歴を削除）');
    message = await user.press(message, 'スキップ');
    expect(message.text).toContain('ステップ 4/4  ✅ ✅ ⏭️ ⬜');
    message = await user.press(message, '✅ 完了');
    expect(message.text).toContain('完了です ✅  ✅ ✅ ⏭️ ✅');
    expect(message.text).toContain('お疲れさまでした！');
    expect(message.text).toContain('この設定でできないこと:');
    expect(message.text).toContain('30日後に確認をお知らせします。');
    expect(message.text).not.toMatch(/\{\{|ui:|guides:|labels:/);
    expect(message.buttons.map((b) => b.text)).toEqual([
      '🔔 30日ごと',
      '90日ごと',
      'リマインダーなし',
      '最初からやり直す',
    ]);
    const status = await user.say('/status');
    expect(status.text).toContain('✅ X: ポストをGrokの学習に使わせない: 完了');
    const languages = await user.say('/language');
    expect(languages.buttons.map((b) => b.text)).toEqual([
      'English',
      'Français',
      'Español',
      'Deutsch',
      'Português (Brasil)',
      'Italiano',
      '日本語',
    ]);
    assertWellBehaved();
  });

  it('speaks Brazilian Portuguese to pt-br and Spanish to es clients', async () => {
    const ana = talk(fake, fake.user({ id: 802, firstName: 'Ana', languageCode: 'pt-br' }));
    expect((await ana.say('/grok_optout')).text).toContain('Passo 1 de 4');
    const pablo = talk(fake, fake.user({ id: 803, firstName: 'Pablo', languageCode: 'es' }));
    const es = await pablo.say('/grok_optout');
    expect(es.buttons.map((b) => b.text)).toContain('✅ Listo');
    assertWellBehaved();
  });

  it('publishes the command menu in every language, pt-BR under the two-letter code pt', () => {
    for (const code of ['fr', 'es', 'de', 'pt', 'it', 'ja']) {
      expect(fake.commands('all_private_chats', code).length, code).toBe(7);
    }
    expect(fake.commands('all_private_chats', 'ja')[0]?.description).toBe(
      'XがあなたのポストでGrokを学習させないようにする',
    );
    expect(fake.commands('all_private_chats', 'pt')[1]?.description).not.toBe(
      fake.commands('all_private_chats', '')[1]?.description,
    );
  });
});
