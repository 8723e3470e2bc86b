export const shout = (word: string) => word.toUpperCase() + '!';
