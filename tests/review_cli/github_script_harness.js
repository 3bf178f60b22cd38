// Runs the `script:` of an actions/github-script step against a recorded fake of its globals.
// Usage: node github_script_harness.js SCRIPT_FILE STATE_FILE   (prints the API calls as JSON)
// STATE: {"env": {...}, "paginate": [...items the paginated list returns...], "data": {"name": {...}}}
const fs = require("fs");
const [scriptFile, stateFile] = process.argv.slice(2);
const script = fs.readFileSync(scriptFile, "utf8");
const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
Object.assign(process.env, state.env || {});
const calls = [];
const api = (name) => async (params) => {
  calls.push([name, params]);
  return { data: (state.data || {})[name] || {} };
};
const names = ["listComments", "updateComment", "createComment", "listForRepo", "create", "update"];
const issues = Object.fromEntries(names.map((n) => [n, api(n)]));
const repos = { listPullRequestsAssociatedWithCommit: api("listPullRequestsAssociatedWithCommit") };
const actions = { listWorkflowRuns: api("listWorkflowRuns") };
const github = {
  rest: { issues, repos, actions },
  paginate: async (fn, params) => {
    await fn(params);
    return state.paginate || [];
  },
};
const context = {
  repo: { owner: "acme", repo: "infra" },
  issue: { number: 7 },
  serverUrl: "https://github.com",
  runId: 99,
  sha: "0123abc",
};
const core = {
  setFailed: (message) => calls.push(["setFailed", message]),
  setOutput: (key, value) => calls.push(["setOutput", key, value]),
};
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction("require", "github", "context", "core", script)(require, github, context, core)
  .then(() => process.stdout.write(JSON.stringify(calls)))
  .catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  });
