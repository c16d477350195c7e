// NODE_EXTRA_CA_CERTS makes every node process read and parse a certificate
// bundle before the script starts: on the machine these benches were written
// on it is set for all processes, and it cost node about 100 ms a start,
// which bpftool and clang never pay and no user of the CLI needs. The benches
// time abidrift without it, and say so.

/** Removes the variable from this process's environment, which children inherit, and says so when it was set. */
export function withoutCertBundle() {
  const was = process.env.NODE_EXTRA_CA_CERTS;
  if (was === undefined) return;
  delete process.env.NODE_EXTRA_CA_CERTS;
  console.log(`(NODE_EXTRA_CA_CERTS=${was} unset for the node runs: it loads a certificate bundle before any script)`);
}
