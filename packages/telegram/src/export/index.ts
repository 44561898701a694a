export const name = '@tgfetch/telegram/export';
