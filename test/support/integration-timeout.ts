// jest 30 reads `testTimeout` from the top-level config only (a project's value is ignored),
// and the unit tests should keep the default: so the integration project sets it here.
jest.setTimeout(120_000);
