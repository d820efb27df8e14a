import type { Text } from './text.js';
import type { StepStatus } from './progress.js';

/** A button: an action the bot handles, or a link the platform opens. */
export type Button =
  | { readonly type: 'action'; readonly label: Text; readonly action: string }
  | { readonly type: 'link'; readonly label: Text; readonly url: string };

/**
 * A platform-neutral screen: what one bot message shows. Adapters turn it into a Telegram
 * message with an inline keyboard, a Discord embed with buttons, or numbered terminal choices.
 */
export interface Screen {
  readonly title: Text;
  /** A short line under the title, e.g. "Step 2 of 4". */
  readonly subtitle?: Text;
  /** The checkmark line, e.g. "✅ ⏭️ ⬜ ⬜". */
  readonly progress?: string;
  /** Something to say before the screen, e.g. "This button is out of date." */
  readonly notice?: Text;
  /** Paragraphs, in order. */
  readonly body: readonly Text[];
  /** Rows of buttons, top to bottom. */
  readonly buttons: readonly (readonly Button[])[];
}

const marks: Record<StepStatus, string> = {
  done: '✅',
  skipped: '⏭️',
  todo: '⬜',
  cant: '❓',
};

/** The checkmark line for a walkthrough: one mark per step, in order. */
export function progressLine(statuses: readonly StepStatus[]): string {
  return statuses.map((s) => marks[s]).join(' ');
}
