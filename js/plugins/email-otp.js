"use strict";
/**
 * `better-auth-rs/plugins/email-otp`: the `emailOTP()` plugin descriptor (behaviour in
 * src/plugins/email_otp/). The engine calls back the functions of `options`:
 * `sendVerificationOTP`, `generateOTP`, and a custom `storeOTP.hash` or
 * `storeOTP.encrypt`/`storeOTP.decrypt`.
 */
const { defineErrorCodes } = require("../errors.js");

/** `{ CODE: { code, message } }` as Better Auth's `EMAIL_OTP_ERROR_CODES`. */
const EMAIL_OTP_ERROR_CODES = defineErrorCodes({
  OTP_EXPIRED: "OTP expired",
  INVALID_OTP: "Invalid OTP",
  TOO_MANY_ATTEMPTS: "Too many attempts",
});

/**
 * `emailOTP()`: one-time codes by email for verification, sign-in, password reset and email
 * change, as Better Auth's email-otp plugin.
 * @param {object} options Better Auth's `EmailOTPOptions` (`sendVerificationOTP` is required)
 */
function emailOTP(options = {}) {
  return { id: "email-otp", options: options ?? {}, $ERROR_CODES: EMAIL_OTP_ERROR_CODES };
}

module.exports = { emailOTP, EMAIL_OTP_ERROR_CODES };
