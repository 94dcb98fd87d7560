import { Anchor, type AnchorProps, Button, type ButtonProps, NavLink, type NavLinkProps } from '@mantine/core';
import { createLink, type LinkComponent } from '@tanstack/react-router';
import type { AnchorHTMLAttributes, Ref } from 'react';

// Mantine's components as router links: typed paths and params, real <a href> (open in a new
// tab, copy the address), and the router's client-side navigation.
type A = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'color' | 'style'> & { ref?: Ref<HTMLAnchorElement> };

const NavAnchor = createLink((props: NavLinkProps & A) => <NavLink component="a" {...props} />);
export const NavLinkTo: LinkComponent<typeof NavAnchor> = (props) => <NavAnchor preload="intent" {...props} />;

const ButtonAnchor = createLink((props: ButtonProps & A) => <Button component="a" {...props} />);
export const ButtonTo: LinkComponent<typeof ButtonAnchor> = (props) => <ButtonAnchor {...props} />;

const TextAnchor = createLink((props: AnchorProps & A) => <Anchor {...props} />);
export const AnchorTo: LinkComponent<typeof TextAnchor> = (props) => <TextAnchor {...props} />;
