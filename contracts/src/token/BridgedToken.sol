// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BridgedToken
/// @notice Minimal ERC-20 representing a token locked on its origin chain. Deployed by the NativeTokenVault with
///         CREATE2 (salt = assetId, no constructor arguments, so the address depends on the assetId alone) and
///         initialised in the same transaction; only that vault mints and burns.
contract BridgedToken {
    address public immutable vault;

    string public name;
    string public symbol;
    uint8 public decimals;
    bytes32 public assetId;
    uint256 public originChainId;
    address public originVault;
    address public originToken;

    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error OnlyVault(address caller);
    error AlreadyInitialized();
    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    error InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error InvalidReceiver(address receiver);

    modifier onlyVault() {
        if (msg.sender != vault) revert OnlyVault(msg.sender);
        _;
    }

    constructor() {
        vault = msg.sender;
    }

    /// @notice Sets the metadata copied from the origin token; once, by the vault.
    function initialize(
        string calldata name_,
        string calldata symbol_,
        uint8 decimals_,
        bytes32 assetId_,
        uint256 originChainId_,
        address originVault_,
        address originToken_
    ) external onlyVault {
        if (assetId != bytes32(0)) revert AlreadyInitialized();
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        assetId = assetId_;
        originChainId = originChainId_;
        originVault = originVault_;
        originToken = originToken_;
    }

    function mint(address to, uint256 amount) external onlyVault {
        if (to == address(0)) revert InvalidReceiver(to);
        totalSupply += amount;
        unchecked {
            balanceOf[to] += amount; // cannot overflow: bounded by totalSupply
        }
        emit Transfer(address(0), to, amount);
    }

    function burn(address from, uint256 amount) external onlyVault {
        uint256 balance = balanceOf[from];
        if (balance < amount) revert InsufficientBalance(from, balance, amount);
        unchecked {
            balanceOf[from] = balance - amount;
            totalSupply -= amount;
        }
        emit Transfer(from, address(0), amount);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert InsufficientAllowance(msg.sender, allowed, amount);
            unchecked {
                allowance[from][msg.sender] = allowed - amount;
            }
        }
        _transfer(from, to, amount);
        return true;
    }

    function _transfer(address from, address to, uint256 amount) private {
        if (to == address(0)) revert InvalidReceiver(to);
        uint256 balance = balanceOf[from];
        if (balance < amount) revert InsufficientBalance(from, balance, amount);
        unchecked {
            balanceOf[from] = balance - amount;
            balanceOf[to] += amount;
        }
        emit Transfer(from, to, amount);
    }
}
