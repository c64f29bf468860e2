import m from "./email-otp.js";
export const { emailOTP, EMAIL_OTP_ERROR_CODES } = m;
