// Sending e-mail over SMTP (nodemailer). The URL is nodemailer's: smtp://user:pass@host:587,
// smtps://… for implicit TLS, and query options such as ?ignoreTLS=true for a plain local server.
import nodemailer from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}

export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url, { from });
  return {
    async send(message) {
      const info = await transport.sendMail(message);
      return { messageId: String(info.messageId ?? '') };
    },
  };
}
