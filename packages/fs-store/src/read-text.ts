import { readFile } from 'node:fs/promises';
import { errnoCode, fromFsError } from './errors.js';

/**
 * The text of a small file of the store's own (a resume point, a learned rate), or
 * undefined when there is none yet; any other failure is the store's error naming it.
 */
export async function readTextIfAny(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw fromFsError(error, 'read', file);
  }
}
