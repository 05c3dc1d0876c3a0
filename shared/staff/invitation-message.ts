/**
 * The invitation Cognito emails when an admin invites a staff member (the user pool's invitation template). Cognito
 * fills in `{username}` and `{####}` (the temporary password); both must appear. Cognito sends it as HTML. Used only
 * when the pool sends through SES: with Cognito's own sender the pool takes no custom email template.
 */
export const invitationMessage = (options: {
  publicBaseUrl: string;
  temporaryPasswordDays: number;
}): { emailSubject: string; emailBody: string } => {
  const signIn = `${options.publicBaseUrl.replace(/\/$/, '')}/auth/login`;
  return {
    emailSubject: 'Undangan akun staf abdi',
    emailBody: [
      '<p>Yth. Bapak/Ibu,</p>',
      '<p>Administrator telah membuatkan akun staf abdi untuk Anda. Masuk di ',
      `<a href="${signIn}">${signIn}</a> dengan alamat email ini dan kata sandi sementara berikut:</p>`,
      '<p><strong>{####}</strong></p>',
      // Required by Cognito; in a pool that signs in by email it is the user's internal id, not something to type.
      '<p>ID pengguna: {username}</p>',
      `<p>Kata sandi sementara berlaku ${options.temporaryPasswordDays} hari. Saat pertama masuk Anda diminta membuat kata sandi baru.</p>`,
      '<p>Bila Anda tidak merasa perlu akun ini, abaikan email ini.</p>',
    ].join(''),
  };
};
