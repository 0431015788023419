// How the bench starts the real server: one place, so switching to the production build (issue
// 12, item 3) changes one line. One process (no npm, no tsx CLI in front), so its PID is the
// server's own and its RSS is what is sampled.
export const SERVER_COMMAND: readonly string[] = [process.execPath, '--import', 'tsx', 'src/node.ts'];
