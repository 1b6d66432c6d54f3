// Tests read pinned upstream files from the mirror (CI sets it; locally default to ../shared/upstream) and keep
// compiled validators in a cache inside the repo (gitignored) so test workers share them.
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
if (!process.env.AGENT_SANDBOX_INFRA_MIRROR) process.env.AGENT_SANDBOX_INFRA_MIRROR = path.resolve(root, '..', 'shared/upstream');
if (!process.env.AGENT_SANDBOX_INFRA_CACHE) process.env.AGENT_SANDBOX_INFRA_CACHE = path.join(root, '.cache', 'test');
