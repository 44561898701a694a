export const name = '@tgfetch/telegram/testing';
