export const name = '@tgfetch/fs-store';
