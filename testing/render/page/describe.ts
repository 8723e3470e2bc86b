// A page program for engine/render/page-script.test.ts: it works on its arguments with the help
// of another page module, which the bundle must carry.
import { shout } from './shout.ts';

export default function describe(name: string, options: { times: number }): string {
  return Array.from({ length: options.times }, () => shout(name)).join(' ');
}
