export const name = '@tgfetch/telegram';
