package dev.ostore.bus;

class InMemoryBusTest extends MessageBusContract {
  @Override
  MessageBus newBus() {
    return MessageBus.inMemory();
  }
}
