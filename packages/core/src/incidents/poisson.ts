// The spike detector's test: how unlikely a bucket's count is if it came from its baseline's rate.

/** ln Γ(x) by Lanczos (g = 7, 9 terms); accurate to ~15 digits for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X >= k) for X ~ Poisson(lambda), summed in log space so large counts neither overflow nor vanish. */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  const logPmf = (i: number) => -lambda + i * Math.log(lambda) - logGamma(i + 1);
  if (k > lambda) {
    // The terms fall from k on: add them until they stop mattering.
    let term = Math.exp(logPmf(k));
    let sum = term;
    for (let i = k + 1; term > sum * 1e-16 && i < k + 100_000; i++) {
      term *= lambda / i;
      sum += term;
    }
    return Math.min(1, sum);
  }
  let below = 0;
  for (let i = 0; i < k; i++) below += Math.exp(logPmf(i));
  return Math.max(0, 1 - below);
}
