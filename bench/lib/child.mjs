import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Every measured run happens in a fresh Node process of its own, so that its peak RSS is
 * its own and no run warms up (or fragments) the heap of the next. A scenario file is both
 * the parent that plans runs and the child that performs one: `node <file> <variant> <json>`
 * prints one `RESULT {...}` line.
 */

const MARK = 'RESULT ';

/** Runs `variant` of the scenario file `url` in a child process and returns its result. */
export function runChild(
  url,
  variant,
  params = {},
  { env = {}, nodeArgs = [], timeoutMs = 300_000 } = {},
) {
  const file = fileURLToPath(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, file, variant, JSON.stringify(params)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) {
        reject(new Error(`${file} ${variant} exited with ${signal ?? code}\n${out.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(MARK.length)));
    });
  });
}

/**
 * The child side: when this file is the process's entry point, runs the named variant with
 * its params and prints its result, with the process's peak RSS added.
 */
export async function childMain(url, variants) {
  if (process.argv[1] !== fileURLToPath(url)) return;
  const [variant = '', json = '{}'] = process.argv.slice(2);
  const fn = variants[variant];
  if (!fn) throw new Error(`unknown variant "${variant}" (${Object.keys(variants).join(', ')})`);
  // What the process holds once its modules are loaded, before the run allocates anything.
  const baselineRssMb = process.memoryUsage().rss / 1024 ** 2;
  const result = await fn(JSON.parse(json));
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${MARK}${JSON.stringify({ ...result, baselineRssMb, peakRssMb })}\n`);
  // Open handles (a client still closing) must not keep a finished run alive.
  process.exit(0);
}
