// Drives the API the way LibreChat's SPA does, through its own published client library (librechat-data-provider),
// and prints what happened as one JSON line. Usage:
//   node librechat-client.mjs <apiBaseUrl> <jwt> <serverName> <step>...
// Steps: reinitialize (dataService.reinitializeMCPServer), bind (dataService.bindMCPOAuth).
// The cookies the API sets are reported (a browser would keep them; node does not).
import axios from 'axios';
import { dataService, setTokenHeader } from 'librechat-data-provider';

const [baseUrl, token, serverName, ...steps] = process.argv.slice(2);
axios.defaults.baseURL = baseUrl;
setTokenHeader(token);

const cookies = [];
axios.interceptors.response.use((response) => {
  for (const cookie of response.headers['set-cookie'] ?? []) {
    cookies.push(cookie);
  }
  return response;
});

const results = {};
try {
  for (const step of steps) {
    switch (step) {
      case 'reinitialize':
        results.reinitialize = await dataService.reinitializeMCPServer(serverName);
        break;
      case 'bind':
        results.bind = await dataService.bindMCPOAuth(serverName);
        break;
      default:
        throw new Error(`unknown step ${step}`);
    }
  }
  console.log(JSON.stringify({ ok: true, results, cookies }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, status: error.response?.status, body: error.response?.data ?? String(error), results, cookies }));
}
