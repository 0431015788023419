// English message catalog. Every user-facing string lives here and in ja.ts (same shape).

export const en = {
  languageName: 'English',
  common: {
    switchLanguage: 'Language',
    opensInNewTab: '(opens in a new tab)',
  },
  duration: {
    days: (n: number) => (n === 1 ? '1 day' : `${n} days`),
    hours: (n: number) => (n === 1 ? '1 hour' : `${n} hours`),
    minutes: (n: number) => (n === 1 ? '1 minute' : `${n} minutes`),
  },
  signup: {
    title: (site: string) => `Subscribe to ${site}`,
    intro: (site: string) =>
      `Choose the emails you want from ${site}. Nothing is ticked for you, and you can change your mind at any time.`,
    choose: 'What would you like to receive?',
    purpose: 'Purpose',
    frequency: 'How often',
    exemptHeading: 'Messages we send without asking',
    exemptIntro:
      'These are not advertising. They are sent when needed, for example about an account or an order, and need no consent.',
    email: 'Email address',
    name: 'Name',
    optional: '(optional)',
    consentHeading: 'Your consent',
    consent: (legalName: string) =>
      `By pressing "Subscribe", I agree that ${legalName} may send the kinds of email I have ticked above to the address I entered, for the purposes described. I can withdraw this consent at any time through the link in every email. We will first send an email asking you to confirm.`,
    privacy: (version: string) => `Privacy policy (version ${version})`,
    submit: 'Subscribe',
    errorSummary: 'Please correct the highlighted fields.',
    errorTitle: (title: string) => `Error: ${title}`,
    errors: {
      emailMissing: 'Enter your email address.',
      emailInvalid: 'Enter an email address like name@example.com.',
      emailTooLong: 'An email address can have at most 254 characters.',
      nameTooLong: 'A name can have at most 100 characters.',
      nameInvalid: 'A name cannot contain line breaks or control characters.',
      categoriesMissing: 'Tick at least one kind of email.',
      categoriesUnknown: 'One of the chosen kinds of email does not exist. Choose from the list.',
      wordingChanged:
        'This page changed while you had it open. Please read it again and resubmit.',
    },
  },
  checkInbox: {
    title: 'Check your inbox',
    body: 'If the address you entered can receive email, a message with a link to confirm your choices is on its way. Open it and press the button on the page it leads to.',
    expiry: (ttl: string) => `The link works for ${ttl}. Until you confirm, you will receive nothing but that message.`,
    already: 'If you had already confirmed these choices, there is nothing more to do.',
  },
  confirm: {
    title: 'Confirm your subscription',
    intro: (site: string) => `Press the button to confirm that you want these emails from ${site}:`,
    button: 'Confirm',
    nothingYet: 'Nothing changes until you press the button.',
    doneTitle: 'You are confirmed',
    doneIntro: (site: string) => `Thank you. ${site} may now send you:`,
    doneNone: 'There is nothing left to confirm for this link.',
    doneOutro: 'Every email we send has a link to change your choices or unsubscribe.',
    invalidTitle: 'This link does not work',
    invalidBody:
      'It may be incomplete, altered or meant for another page. Copy the whole link from the email, or sign up again.',
    expiredTitle: 'This link has expired',
    expiredBody: (ttl: string) =>
      `Confirmation links work for ${ttl}. We can send a fresh link to the address you signed up with.`,
    resendButton: 'Send me a new link',
    resentTitle: 'A new link is on its way',
    resentBody:
      'If there is still something to confirm, a new email is on its way to the address you signed up with. It may take a minute.',
  },
  errors: {
    notFoundTitle: 'Page not found',
    notFoundBody: 'There is nothing at this address. Check the link and try again.',
    serverTitle: 'Something went wrong',
    serverBody: 'Nothing was changed. Please try again in a moment.',
    badRequestTitle: 'That request could not be read',
    badRequestBody: 'Nothing was changed. Go back, reload the page and try again.',
  },
  email: {
    confirmSubject: (site: string) => `Confirm your subscription to ${site}`,
    confirmIntro: (site: string) =>
      `Someone, hopefully you, asked to receive these emails from ${site} at this address:`,
    confirmAction: 'To confirm, open this link and press the button on the page:',
    confirmButton: 'Confirm my subscription',
    confirmExpiry: (when: string) => `The link works until ${when}.`,
    confirmIgnore: 'If you did not ask for this, ignore this email: you will not be subscribed.',
    sentBy: (legalName: string) => `Sent by ${legalName}`,
  },
  mailbox: {
    title: 'Dev mailbox',
    intro: 'Mail the server "sent" without an email provider (RESEND_API_KEY is unset). Newest first.',
    empty: 'No mail yet. Subscribe on a signup page and the confirmation email appears here.',
    to: 'To',
    at: 'Sent',
    viewHtml: 'View as HTML',
  },
};

type Widen<T> = T extends (...args: infer A) => string
  ? (...args: A) => string
  : T extends string
    ? string
    : { [K in keyof T]: Widen<T[K]> };

export type Messages = Widen<typeof en>;
