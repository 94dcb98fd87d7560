import * as contact from '../i18n/contact.ts';
import * as conversation from '../i18n/conversation.ts';
import { addScreenStrings } from '../i18n/index.tsx';

// A conversation's words (timeline, composer, contact panel) load with it, not with the inbox.
addScreenStrings('conversation', conversation);
addScreenStrings('contact', contact);
