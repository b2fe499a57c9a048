/** A fast-check seed, printed so a failing run can be repeated with `FC_SEED=<seed>`. */
export function fastCheckSeed(name: string): number {
  const fromEnv = process.env.FC_SEED;
  const seed = fromEnv ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[fast-check] ${name}: seed=${seed}`);
  return seed;
}
