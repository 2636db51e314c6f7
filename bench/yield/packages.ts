/**
 * The packages `npm run bench:yield` measures: callback-era libraries as published on npm (issue 15). Add one by
 * adding a line; `library` and `test` are needed only where its repository does not match the published layout.
 */
export interface BenchPackage {
  name: string;
  version: string;
  /** Where its tests live: the repository and the tag (or commit, where the release has no tag) of `version`. */
  repository: string;
  ref?: string;
  /** Where the published library files live in the package's repository (async publishes a build of `lib/`). */
  library?: string;
  /**
   * The command that runs the package's tests in its repository, when its `npm test` does more than test behaviour
   * (a linter, a coverage threshold, browser tests): those would judge the rewrite's formatting, not what it does.
   */
  test?: string;
}

export const PACKAGES: readonly BenchPackage[] = [
  // tap 15 fails a run whose coverage is under 100%, as glob's is before any rewrite.
  { name: "glob", version: "7.2.3", repository: "https://github.com/isaacs/node-glob", ref: "v7.2.3", test: "tap --no-coverage" },
  // 0.5.6 has no tag nor commit in the repository (0.x ends at 0.5.5).
  { name: "mkdirp", version: "0.5.6", repository: "https://github.com/isaacs/node-mkdirp" },
  // mocha 1.x's `mocha` launcher loses its child's output on current Node: its `_mocha` runs the same tests.
  { name: "ncp", version: "2.0.0", repository: "https://github.com/AvianFlu/ncp", ref: "v2.0.0", test: "_mocha -R spec" },
  // No tags: the commit whose library is the published 0.1.17.
  { name: "node-dir", version: "0.1.17", repository: "https://github.com/fshost/node-dir", ref: "a57c3b1b571dd91f464ae398090ba40f64ba38a2", test: "_mocha --reporter spec" },
  { name: "async", version: "2.6.4", repository: "https://github.com/caolan/async", ref: "v2.6.4", library: "lib", test: "npm run mocha-node-test" },
  // 2.88.2 was published without a tag; from this commit on the library files are the published ones.
  { name: "request", version: "2.88.2", repository: "https://github.com/request/request", ref: "a9557c9e7de2c57d92d9bab68a416a87d255cd3d", test: "npm run test-ci" },
  { name: "rimraf", version: "2.7.1", repository: "https://github.com/isaacs/rimraf", ref: "v2.7.1" },
  { name: "mv", version: "2.1.1", repository: "https://github.com/andrewrk/node-mv", ref: "2.1.1" },
  { name: "tmp", version: "0.0.33", repository: "https://github.com/raszi/node-tmp", ref: "v0.0.33" },
  { name: "write-file-atomic", version: "2.4.3", repository: "https://github.com/npm/write-file-atomic", ref: "v2.4.3", test: "tap test/*.js" },
  { name: "fs-extra", version: "8.1.0", repository: "https://github.com/jprichardson/node-fs-extra", ref: "8.1.0", test: "npm run unit" },
];
