/**
 * `npm run guides:check`: checks every guide in data/guides (schema, texts in every language,
 * placeholders, https links, unique ids, a `verified` date at most 120 days old). Prints one
 * line per problem and a summary; exits 1 on any problem, 0 otherwise.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkGuides, formatProblem, maxVerifiedAgeDays } from '../src/app/guide-check.js';

const directory = fileURLToPath(new URL('../data/guides', import.meta.url));
const { files, problems } = checkGuides({ directory, today: new Date() });

for (const problem of problems) {
  console.error(formatProblem({ ...problem, file: relative(process.cwd(), problem.file) || '.' }));
}
if (problems.length > 0) {
  console.error(
    `\n${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files} guide files. ` +
      `See docs/adding-a-guide.md (a guide is re-checked at least every ${maxVerifiedAgeDays} days).`,
  );
  process.exitCode = 1;
} else {
  console.log(`${files} guides OK`);
}
