// How the bench starts the real server: the production build, as `npm start` runs it (prebench
// builds it first). One process (no npm in front), so its PID is the server's own and its RSS is
// what is sampled.
export const SERVER_COMMAND: readonly string[] = [process.execPath, 'dist/node/server.js'];
