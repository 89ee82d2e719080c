// Loads the built app.js against the recording electron, drives one hello and one command
// through the real engine worker, quits, and prints what happened as JSON.
import { pathToFileURL } from 'node:url';
import { app, record } from 'electron';

await import('./app.js');

const deadline = Date.now() + 10_000;
while (record.windows.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
const window = record.windows[0];
const frame = { url: pathToFileURL(window.loadedFile).href, parent: null };
const event = { sender: window.webContents, senderFrame: frame };
const hello = await record.handlers.get('shoal:cmd:hello')(event, { protocolVersion: Number(process.env.SMOKE_PROTOCOL_VERSION) });
const resume = await record.handlers.get('shoal:cmd:resume')(event, { infoHashes: [] });
app.emit('before-quit', { preventDefault() {} });
while (record.quitCalls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
console.log(
  JSON.stringify({
    webPreferences: window.options.webPreferences,
    loadedFile: window.loadedFile,
    sandbox: record.sandbox,
    csp: record.csp,
    hello,
    resume,
    quitCalls: record.quitCalls,
  }),
);
process.exit(0);
