import * as contact from '../i18n/contact.ts';
import * as conversation from '../i18n/conversation.ts';
import * as handoff from '../i18n/handoff.ts';
import { addScreenStrings } from '../i18n/index.tsx';
import * as merge from '../i18n/merge.ts';
import * as privacy from '../i18n/privacy.ts';

// A conversation's words (timeline, composer, contact panel, handoffs, merges, the privacy
// guard) load with it, not with the inbox.
addScreenStrings('conversation', conversation);
addScreenStrings('contact', contact);
addScreenStrings('handoff', handoff);
addScreenStrings('merge', merge);
addScreenStrings('privacy', privacy);
