/** The app's identity for the OS (Windows notifications, packaging); matches electron-builder.yml. */
export const appId = 'app.shoal.desktop';
