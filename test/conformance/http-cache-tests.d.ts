/** The suite's list of case groups; test/conformance/suite.ts checks its shape when loading it. */
declare module 'http-cache-tests/tests/index.mjs' {
  const groups: unknown;
  export default groups;
}
