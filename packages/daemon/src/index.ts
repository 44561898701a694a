export const name = '@tgfetch/daemon';
