/**
 * The packages `npm run bench:yield` measures: callback-era libraries as published on npm (issue 15). Add one by
 * adding a line; `library` and `test` are needed only where its repository does not match the published layout.
 */
export interface BenchPackage {
  name: string;
  version: string;
  /** Where the published library files live in the package's repository (async publishes a build of `lib/`). */
  library?: string;
  /**
   * The command that runs the package's tests in its repository, when its `npm test` does more than test behaviour
   * (a linter, a coverage threshold, browser tests): those would judge the rewrite's formatting, not what it does.
   */
  test?: string;
}

export const PACKAGES: readonly BenchPackage[] = [
  { name: "glob", version: "7.2.3" },
  { name: "mkdirp", version: "0.5.6" },
  { name: "ncp", version: "2.0.0" },
  { name: "node-dir", version: "0.1.17" },
  { name: "async", version: "2.6.4", library: "lib", test: "npm run mocha-node-test" },
  { name: "request", version: "2.88.2", test: "npm run test-ci" },
  { name: "rimraf", version: "2.7.1" },
  { name: "mv", version: "2.1.1" },
  { name: "tmp", version: "0.0.33" },
  { name: "write-file-atomic", version: "2.4.3", test: "tap test/*.js" },
  { name: "fs-extra", version: "8.1.0", test: "npm run unit" },
];
