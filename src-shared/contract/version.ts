// The app version travels in `hello` so a front end can show what it is talking to. A named
// import, so bundlers keep only this field of package.json.
import { version } from '../../package.json';

export const APP_VERSION: string = version;
