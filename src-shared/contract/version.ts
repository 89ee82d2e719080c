// The app version travels in `hello` so a front end can show what it is talking to.
import pkg from '../../package.json';

export const APP_VERSION: string = pkg.version;
