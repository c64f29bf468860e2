// Imported first by every suite (ES imports run in order, before the importing module's body):
// better-auth reads NODE_ENV when its modules load, and disables origin/CSRF checks under
// NODE_ENV=test (or TEST), which the suites exercise. Base URL and secret come from the tests.
process.env.NODE_ENV = "development";
for (const k of ["TEST", "BETTER_AUTH_URL", "BETTER_AUTH_SECRET", "AUTH_SECRET", "BETTER_AUTH_TRUSTED_ORIGINS", "BETTER_AUTH_SECRETS"]) {
  delete process.env[k];
}
