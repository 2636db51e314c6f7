/**
 * corral/register: the preload (`node --import corral/register app.js`) that will run a whole program inside a root
 * run and loop. Reserved: it arrives with the interop loop; importing it today changes nothing.
 */
export {};
