export const name = '@tgfetch/redis-transport';
