import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The style sheet and the script, read once from the package's `assets` folder. */
export interface Asset {
  body: string;
  type: string;
  etag: string;
}

const TYPES = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
};

export type AssetName = keyof typeof TYPES;

export function loadAssets(): Record<AssetName, Asset> {
  const folder = new URL('../assets/', import.meta.url);
  const load = (file: AssetName): Asset => {
    const body = readFileSync(new URL(file, folder), 'utf8');
    return {
      body,
      type: TYPES[file],
      etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`,
    };
  };
  return { 'console.css': load('console.css'), 'console.js': load('console.js') };
}
