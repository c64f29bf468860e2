"use strict";
/**
 * `better-auth-rs/plugins/two-factor`: the `twoFactor()` plugin descriptor (behaviour in
 * src/plugins/two_factor/: the `twoFactor` table, enable/disable, TOTP, backup codes, the
 * sign-in interception with the `two_factor` and `trust_device` cookies, the account lock-out).
 * `otpOptions.sendOTP` stays in JS and is called by the engine; custom backup-code and OTP
 * storage functions are not served: `betterAuth()` refuses them.
 */
const { defineErrorCodes } = require("../errors.js");

/** `{ CODE: { code, message } }` as Better Auth's `TWO_FACTOR_ERROR_CODES`. */
const TWO_FACTOR_ERROR_CODES = defineErrorCodes({
  OTP_NOT_ENABLED: "OTP not enabled",
  OTP_HAS_EXPIRED: "OTP has expired",
  TOTP_NOT_ENABLED: "TOTP not enabled",
  TWO_FACTOR_NOT_ENABLED: "Two factor isn't enabled",
  BACKUP_CODES_NOT_ENABLED: "Backup codes aren't enabled",
  INVALID_BACKUP_CODE: "Invalid backup code",
  INVALID_CODE: "Invalid code",
  TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE: "Too many attempts. Please request a new code.",
  INVALID_TWO_FACTOR_COOKIE: "Invalid two factor cookie",
  OTP_NOT_CONFIGURED: "OTP is not available",
  TOTP_NOT_CONFIGURED: "TOTP is not available",
  TOTP_ALREADY_ENABLED: "TOTP is already enabled",
  ACCOUNT_TEMPORARILY_LOCKED: "Too many failed verification attempts. Your account is temporarily locked. Please try again later.",
});

/**
 * `twoFactor(options)`: a second factor for sign-in, as Better Auth's two-factor plugin.
 * @param {object} [options]
 */
function twoFactor(options = {}) {
  return {
    id: "two-factor",
    options: options ?? {},
    $ERROR_CODES: TWO_FACTOR_ERROR_CODES,
    schema: renamed(baseSchema(), options ?? {}),
  };
}

/**
 * `schema` with the `schema` option's names (`{ user: { fields }, twoFactor: { modelName,
 * fields } }`) and `twoFactorTable` applied, as Better Auth's plugin object carries them: a
 * database adapter reads table and column names from here (the engine checks the option).
 */
function renamed(schema, options) {
  const names = options.schema && typeof options.schema === "object" ? options.schema : {};
  for (const table of Object.keys(schema)) {
    const given = names[table] && typeof names[table] === "object" ? names[table] : {};
    const modelName = table === "twoFactor" && options.twoFactorTable ? options.twoFactorTable : given.modelName;
    if (modelName) schema[table].modelName = modelName;
    for (const [field, column] of Object.entries(given.fields ?? {})) {
      if (column && schema[table].fields[field]) schema[table].fields[field] = { ...schema[table].fields[field], fieldName: column };
    }
  }
  return schema;
}

/** The tables and fields the plugin adds, under their default names. */
function baseSchema() {
  return {
    user: { fields: { twoFactorEnabled: { type: "boolean", required: false, defaultValue: false, input: false } } },
    twoFactor: {
      fields: {
        secret: { type: "string", required: true, returned: false, index: true },
        backupCodes: { type: "string", required: true, returned: false },
        userId: { type: "string", required: true, returned: false, references: { model: "user", field: "id" }, index: true },
        verified: { type: "boolean", required: false, defaultValue: true, input: false },
        failedVerificationCount: { type: "number", required: false, defaultValue: 0, input: false, returned: false },
        lockedUntil: { type: "date", required: false, input: false, returned: false },
      },
    },
  };
}

module.exports = { twoFactor, TWO_FACTOR_ERROR_CODES };
